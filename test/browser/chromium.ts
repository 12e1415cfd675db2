/**
 * The browser of the browser suite: Debian's Chromium (`apt-get install chromium`), found on PATH, driven by
 * playwright-core (which brings no browser of its own). A missing browser fails the suite with the install command;
 * it is never a reason to skip.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { chromium, selectors, type Browser, type BrowserContext } from 'playwright-core';

/** The names Chromium has on PATH (Debian: `chromium`; some distributions: `chromium-browser`). */
const CANDIDATES = ['chromium', 'chromium-browser'];

/**
 * Without the background-networking flags Chromium keeps trying to reach Google's services and hangs on a closed
 * network; QUIC, sync, component updates and the first-run UI are off for the same reason.
 */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** The fixed viewport of every page (and so of every screenshot). */
export const VIEWPORT = { width: 1440, height: 900 };

function onPath(name: string): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (!dir) continue;
		const file = path.join(dir, name);
		try {
			fs.accessSync(file, fs.constants.X_OK);
			if (fs.statSync(file).isFile()) return file;
		} catch {
			// not here
		}
	}
	return undefined;
}

/** Chromium's executable: `CHROMIUM_PATH` when set, else the first of chromium / chromium-browser on PATH. Throws when there is none. */
export function findChromium(): string {
	const configured = process.env.CHROMIUM_PATH;
	if (configured) {
		if (!fs.existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
		return configured;
	}
	for (const name of CANDIDATES) {
		const found = onPath(name);
		if (found) return found;
	}
	throw new Error(
		`The browser tests need Chromium, and neither ${CANDIDATES.join(' nor ')} is on PATH. ` +
			'Install it (Debian/Ubuntu, as root: `apt-get update && apt-get install -y chromium`) or set CHROMIUM_PATH to its executable.',
	);
}

/** `chromium --version`, for the log of a run. */
export function chromiumVersion(executable = findChromium()): string {
	const res = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 30_000 });
	return `${res.stdout}`.trim() || `(${executable} --version printed nothing: ${`${res.stderr}`.trim().slice(0, 200)})`;
}

let testIdConfigured = false;

/**
 * Headless Chromium with a fresh temporary profile (playwright-core creates a new user-data-dir for every launch and
 * removes it on close). `getByTestId` matches n8n's `data-test-id` attributes.
 */
export async function launchChromium(): Promise<Browser> {
	if (!testIdConfigured) {
		selectors.setTestIdAttribute('data-test-id');
		testIdConfigured = true;
	}
	const executablePath = findChromium();
	return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A new context (own cookies and storage) at the fixed viewport. */
export async function newContext(browser: Browser): Promise<BrowserContext> {
	const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', timezoneId: 'UTC' });
	context.setDefaultTimeout(30_000);
	return context;
}
