#!/usr/bin/env node
/** `dinero-conformance <command> [flags]`: the harness's one command line (scripts/cli/main.ts). */
import { main } from './cli/main.ts'

await main(process.argv.slice(2))
