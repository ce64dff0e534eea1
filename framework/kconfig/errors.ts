// SPDX-License-Identifier: GPL-2.0-only
/** Errors from the Kconfig parser, the check pass and the evaluator. */

/** A Kconfig problem tied to a place in a Kconfig file, printed like scripts/kconfig: "file:line: message". */
export class KconfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'KconfigError';
  }
}
