/**
 * The shared tally of the reliability suite. Each area's test file makes one tally; every generated case goes
 * through `tally.check` (or `checkAsync`), which counts it as tried and, when it returns without throwing, as passed.
 * A failing case is rethrown, so the property and the test fail with it: nothing is swallowed. Once the file's tests
 * are done, one line `reliability <area>: N tried, N passed` is written to stdout (not through console.log, so jest
 * does not decorate it).
 *
 * The tally counts generated cases, not tests: one property test of 500 cases adds 500. When fast-check shrinks a
 * failure, the shrunk cases count too (they were tried, and they failed).
 */

export interface Tally {
	readonly area: string;
	readonly tried: number;
	readonly passed: number;
	/** Run one generated case; counts it, and rethrows its failure. */
	check<T>(run: () => T): T;
	checkAsync<T>(run: () => Promise<T>): Promise<T>;
}

/** The fixed seed of the generated corpora unless RELIABILITY_SEED says otherwise (an integer). */
export const DEFAULT_RELIABILITY_SEED = 20260129;

export function reliabilitySeed(env: NodeJS.ProcessEnv = process.env): number {
	const raw = env.RELIABILITY_SEED?.trim();
	if (!raw) return DEFAULT_RELIABILITY_SEED;
	const seed = Number(raw);
	if (!Number.isSafeInteger(seed)) throw new Error(`RELIABILITY_SEED must be an integer, got ${JSON.stringify(raw)}`);
	return seed | 0;
}

/** A tally for `area`, printed once after the file's tests (call at the top level of a test file). */
export function reliabilityTally(area: string): Tally {
	let tried = 0;
	let passed = 0;
	const tally: Tally = {
		area,
		get tried() {
			return tried;
		},
		get passed() {
			return passed;
		},
		check<T>(run: () => T): T {
			tried += 1;
			const result = run();
			passed += 1;
			return result;
		},
		async checkAsync<T>(run: () => Promise<T>): Promise<T> {
			tried += 1;
			const result = await run();
			passed += 1;
			return result;
		},
	};
	afterAll(() => {
		process.stdout.write(`reliability ${area}: ${tried} tried, ${passed} passed\n`);
	});
	return tally;
}
