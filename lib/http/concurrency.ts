/**
 * Run `fn` over `items` with at most `limit` calls in flight, results in input order. The first rejection rejects
 * the whole map (callers that must not fail on one item catch inside `fn`). Pacing stays with the rate limiter of
 * the HTTP client: this only bounds how many requests wait on it at once.
 *
 * Written here rather than taken from p-limit/p-map: those are ESM-only, and a community package may ship only the
 * runtime dependencies it was designed with.
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	const width = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < items.length) {
			const index = next++;
			try {
				results[index] = await fn(items[index], index);
			} catch (error) {
				next = items.length; // start nothing new once the map has failed
				throw error;
			}
		}
	};
	await Promise.all(Array.from({ length: width }, worker));
	return results;
}
