import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  cruise,
  type DependencyType,
  type ICruiseOptions,
  type ICruiseResult,
  type IForbiddenRuleType,
} from 'dependency-cruiser'

/**
 * The import direction of the project, as dependency-cruiser rules: `specs/` is tests only and
 * nothing imports it; `mocks/` is the leaf; the Dinero contract (the wire schemas) stands alone;
 * and no project files import each other in a circle. Type-only imports count: they tie the
 * files together as much as value imports do.
 */
export type RuleName =
  | 'specs-are-imported-by-nothing'
  | 'mocks-are-a-leaf'
  | 'contract-stands-alone'
  | 'no-cycles'

/** The folders the rules judge, relative to the tree's root. */
export const PROJECT_FOLDERS = ['mocks', 'collections', 'scripts', 'examples', 'specs'] as const

// Packages and Node built-ins are outside the project: only files of the tree are judged.
const OUTSIDE_PROJECT: { dependencyTypesNot: DependencyType[] } = {
  dependencyTypesNot: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg'],
}
const IGNORED = '(^|/)(node_modules|dist|reports)/'

export const RULES: (IForbiddenRuleType & { name: RuleName })[] = [
  {
    name: 'specs-are-imported-by-nothing',
    severity: 'error',
    from: { pathNot: '^specs/' },
    to: { path: '^specs/' },
  },
  {
    name: 'mocks-are-a-leaf',
    severity: 'error',
    from: { path: '^mocks/' },
    to: { pathNot: '^mocks/', ...OUTSIDE_PROJECT },
  },
  {
    name: 'contract-stands-alone',
    severity: 'error',
    from: { path: '^mocks/dinero/contract/' },
    to: { pathNot: '^mocks/dinero/contract/', ...OUTSIDE_PROJECT },
  },
  {
    name: 'no-cycles',
    severity: 'error',
    from: { path: `^(${PROJECT_FOLDERS.join('|')})/` },
    to: { circular: true },
  },
]

/** One offending import, `from → to`; for a cycle, the whole circle starting at `from`. */
export interface Offence {
  rule: RuleName
  edge: string
}

export interface ImportCheck {
  /** Every import that breaks a rule. */
  offences: Offence[]
  /** Every import between files of the tree, `from → to`: what the rules were applied to. */
  imports: string[]
}

/** Cruises the project folders under `root` and judges every import with the rules. */
export async function checkImports(root: string): Promise<ImportCheck> {
  const options: ICruiseOptions = {
    baseDir: root,
    validate: true,
    ruleSet: { forbidden: RULES },
    tsPreCompilationDeps: true,
    exclude: { path: IGNORED },
    doNotFollow: { path: 'node_modules' },
    outputType: 'json',
  }
  const folders = PROJECT_FOLDERS.filter((folder) => existsSync(join(root, folder)))
  const { output } = await cruise(folders, options)
  const result: ICruiseResult = typeof output === 'string' ? JSON.parse(output) : output
  const offences = result.summary.violations.map((v) => ({
    rule: v.rule.name as RuleName,
    edge:
      v.cycle === undefined || v.cycle.length === 0
        ? `${v.from} → ${v.to}`
        : [v.from, ...v.cycle.map((step) => step.name)].join(' → '),
  }))
  const imports = result.modules.flatMap((m) =>
    m.dependencies
      .filter((d) => !d.coreModule && !d.couldNotResolve && !d.resolved.includes('node_modules/'))
      .map((d) => `${m.source} → ${d.resolved}`),
  )
  return { offences, imports }
}
