/** What every benchmark reads from its flags and how it rounds the figures it prints. */

/** A numeric flag (`--sites 1000`); `fallback` when it is absent or given without a value. */
export function numberArg(value: string | boolean | undefined, fallback: number): number {
	if (value === undefined || value === true || value === false) return fallback;
	const n = Number(value);
	if (!Number.isFinite(n)) throw new Error(`not a number: ${value}`);
	return n;
}

/** `n` rounded to `digits` decimals, for the printed JSON. */
export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
