import { resetRateLimiters } from '../../../lib/http';
import { createNotionTransport, type NotionConnectionOptions, type NotionTransport } from '../../../lib/notion';
import { SANDBOX_CREDENTIALS } from '../../sandbox/credentials';
import { NotionEmulator, type NotionEmulatorOptions } from '../../sandbox/notion';

/** A Notion transport for the sandbox token: unpaced and with short retry waits unless the test says otherwise. */
export function sandboxNotionTransport(baseUrl: string, overrides: Partial<NotionConnectionOptions> = {}): NotionTransport {
	return createNotionTransport({
		token: SANDBOX_CREDENTIALS.notionToken,
		baseUrl,
		requestsPerSecond: 1000,
		burst: 1000,
		retry: { minDelayMs: 5, maxDelayMs: 20 },
		...overrides,
	});
}

/**
 * One Notion emulator for a test file (no rate limit unless given): started before the tests, reset with the
 * process's rate limiters before each one, stopped after them. Its URL is `emulator.url` once started.
 */
export function useNotionEmulator(options: NotionEmulatorOptions = {}): NotionEmulator {
	const emulator = new NotionEmulator({ rateLimits: { default: null }, ...options });
	beforeAll(async () => {
		await emulator.start();
	});
	afterAll(async () => {
		await emulator.stop();
	});
	beforeEach(() => {
		emulator.reset();
		resetRateLimiters();
	});
	return emulator;
}
