/** Harness errors of the grader: a namespaced code the specs assert on, and one clear line. */
export type GradeErrorCode =
  | 'GRADE_APP_START'
  | 'GRADE_APP_EXITED'
  | 'GRADE_APP_UNREACHABLE'
  | 'GRADE_LOGIN_NOT_REDIRECT'
  | 'GRADE_LOGIN_WRONG_TARGET'
  | 'GRADE_AUTHORIZE_FAILED'
  | 'GRADE_USAGE'

export class GradeError extends Error {
  constructor(
    readonly code: GradeErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'GradeError'
  }
}
