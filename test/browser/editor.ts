/**
 * Page helpers for the n8n editor, shared by the browser tests: signing in, opening a workflow, reading what the
 * canvas shows for each node, opening a node's panel (NDV) and reading a parameter's options or a resource
 * locator's "From List" entries. Selectors are n8n's `data-test-id` attributes (the ones n8n's own UI tests use),
 * checked on n8n 2.8.4 and 2.41.1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Locator, Page } from 'playwright-core';

import type { OwnerAccount } from '../e2e/harness';

/** Signs in through the sign-in page's form and waits until the editor has left it. */
export async function signIn(page: Page, baseUrl: string, owner: OwnerAccount): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	const form = page.getByTestId('auth-form');
	await form.waitFor();
	await form.locator('input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(owner.email);
	await form.locator('input[name="password"]').fill(owner.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
	await dismissDialogs(page);
}

/**
 * Closes whatever dialog n8n opens over the editor on its own (a survey, "what's new", a banner-like modal):
 * every visible Element Plus dialog's close button, then Escape. Returns how many it closed.
 */
export async function dismissDialogs(page: Page): Promise<number> {
	let closed = 0;
	for (let round = 0; round < 5; round++) {
		const open = page.locator('.el-overlay:visible .el-dialog:visible, [role="dialog"][data-state="open"]:visible');
		if ((await open.count()) === 0) break;
		const close = open.first().locator('.el-dialog__headerbtn, [aria-label="Close"], [data-test-id$="close-button"]').first();
		if (await close.isVisible().catch(() => false)) await close.click({ timeout: 5000 }).catch(() => undefined);
		else await page.keyboard.press('Escape');
		closed++;
		await page.waitForTimeout(300);
	}
	return closed;
}

/** Opens `/workflow/<id>` and waits until the canvas shows `expectedNodes` nodes (or at least one). */
export async function openWorkflow(page: Page, baseUrl: string, workflowId: string, expectedNodes?: number): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${workflowId}`);
	await dismissDialogs(page);
	const nodes = page.getByTestId('canvas-node');
	await nodes.first().waitFor({ timeout: 60_000 });
	if (expectedNodes !== undefined) {
		await page.waitForFunction((n) => document.querySelectorAll('[data-test-id="canvas-node"]').length >= n, expectedNodes, { timeout: 30_000 }).catch(() => undefined);
	}
	// Node icons are images loaded after the nodes render: let them settle before anything reads them.
	await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
	await dismissDialogs(page);
}

export interface CanvasNodeState {
	name: string;
	type: string;
	/** What is wrong with the node as the canvas draws it; empty when it renders as a known, installed, valid node. */
	problems: string[];
}

/**
 * Every node on the canvas with what would tell a user it is not usable:
 * - `not installed`: n8n's "install this node" marker (`node-not-installed`), drawn for a community-package type
 *   the server does not know;
 * - `unknown type`: the question-mark placeholder n8n draws instead of the icon of a type it does not know;
 * - `icon not loaded`: the node's icon image did not load (e.g. a type version the package does not have);
 * - `issues: ...`: the issue marker (`node-issues`: missing credentials, required parameters), with its tooltip;
 * - `execution error`: the node failed in the execution shown.
 */
export async function canvasNodeStates(page: Page): Promise<CanvasNodeState[]> {
	return page.evaluate(() =>
		Array.from(document.querySelectorAll('[data-test-id="canvas-node"]')).map((node) => {
			const problems: string[] = [];
			if (node.querySelector('[data-test-id="node-not-installed"]')) problems.push('not installed');
			const placeholder = node.querySelector('[class*="nodeIconPlaceholder"]');
			if (placeholder) problems.push(`unknown type (icon placeholder "${(placeholder.textContent ?? '').trim()}")`);
			for (const img of Array.from(node.querySelectorAll('.n8n-node-icon img')) as unknown as Array<{ complete: boolean; naturalWidth: number; getAttribute(name: string): string | null }>) {
				if (!img.complete || img.naturalWidth === 0) problems.push(`icon not loaded (${img.getAttribute('src')})`);
			}
			const issues = node.querySelector('[data-test-id="node-issues"]');
			if (issues) problems.push(`issues: ${(issues.getAttribute('title') ?? issues.textContent ?? '').trim() || 'marker shown'}`);
			if (node.querySelector('[data-test-id="canvas-node-status-error"], [class*="_error_"][class*="status"]')) problems.push('execution error');
			return { name: node.getAttribute('data-node-name') ?? '', type: node.getAttribute('data-node-type') ?? '', problems };
		}),
	);
}

/** The canvas node named `nodeName`. */
export function canvasNode(page: Page, nodeName: string): Locator {
	return page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName.replace(/"/g, '\\"')}"]`);
}

/** Opens the node's panel (NDV) by double-clicking it on the canvas; returns the panel. */
export async function openNodePanel(page: Page, nodeName: string): Promise<Locator> {
	await canvasNode(page, nodeName).dblclick();
	const panel = page.getByTestId('ndv');
	await panel.waitFor({ timeout: 30_000 });
	await panel.getByTestId('node-parameters').waitFor({ timeout: 30_000 });
	return panel;
}

/** Closes the open node panel (its back/close button, else Escape) and waits until it is gone. */
export async function closeNodePanel(page: Page): Promise<void> {
	const panel = page.getByTestId('ndv');
	if (!(await panel.isVisible().catch(() => false))) return;
	const close = page.getByTestId('ndv-close-button').or(page.getByTestId('back-to-canvas')).first();
	if (await close.isVisible().catch(() => false)) await close.click();
	else await page.keyboard.press('Escape');
	await panel.waitFor({ state: 'hidden', timeout: 15_000 });
}

/** The input of parameter `parameterName` in the open node panel (`parameter-input-<name>`). */
export function parameterInput(page: Page, parameterName: string): Locator {
	return page.getByTestId('ndv').getByTestId(`parameter-input-${parameterName}`).first();
}

/**
 * Opens the dropdown of `combobox` and returns its list. Element Plus teleports the list out of the panel; the
 * combobox names it (`aria-controls`), else it is the last visible dropdown.
 */
async function openDropdown(page: Page, combobox: Locator): Promise<Locator> {
	await combobox.click();
	const listId = await combobox.getAttribute('aria-controls');
	return listId ? page.locator(`[id="${listId}"]`) : page.locator('.el-select-dropdown:visible').last();
}

async function closeDropdown(page: Page, list: Locator): Promise<void> {
	await page.keyboard.press('Escape');
	await list.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
}

/** The first line of each of `options` once the first is shown: an option's name without its description. */
async function optionNames(options: Locator): Promise<string[]> {
	await options.first().waitFor({ timeout: 15_000 });
	return (await options.allInnerTexts()).map((t) => t.split('\n')[0].trim()).filter(Boolean);
}

/**
 * Opens the dropdown of an options parameter in the open node panel and returns the option names it lists, in the
 * order shown; closes it again.
 */
export async function listOptions(page: Page, parameterName: string): Promise<string[]> {
	const input = parameterInput(page, parameterName);
	await input.waitFor({ timeout: 15_000 });
	const list = await openDropdown(page, input.locator('input[role="combobox"], input').first());
	const names = await optionNames(list.getByTestId('parameter-input-item'));
	await closeDropdown(page, list);
	return names;
}

/**
 * Opens a resource locator's "From List" dropdown in the open node panel (the parameter must be in list mode),
 * waits for the listSearch results and returns their names; closes it again. Throws with the dropdown's text when it
 * lists nothing (an error from the list method, or no results).
 */
export async function listResourceLocatorItems(page: Page, parameterName: string): Promise<string[]> {
	const input = parameterInput(page, parameterName);
	await input.waitFor({ timeout: 15_000 });
	await input.getByTestId('rlc-input').click();
	const search = page.getByTestId('rlc-search').filter({ visible: true });
	await search.first().waitFor({ timeout: 15_000 });
	const items = page.getByTestId('rlc-item').filter({ visible: true });
	await items.first().waitFor({ timeout: 60_000 }).catch(() => undefined);
	const names = (await items.allInnerTexts()).map((t) => t.split('\n')[0].trim()).filter(Boolean);
	if (!names.length) {
		const shown = await search.first().locator('xpath=ancestor::*[contains(@class, "popover") or @role="dialog"][1]').innerText().catch(() => '');
		await page.keyboard.press('Escape');
		throw new Error(`resource locator ${parameterName}: the list is empty: ${shown.replace(/\s+/g, ' ').trim() || '(no text)'}`);
	}
	await page.keyboard.press('Escape');
	return names;
}

/** The credential each credential select of the open node panel shows (its input's text), in panel order. */
export async function shownCredentials(page: Page): Promise<string[]> {
	const selects = page.getByTestId('ndv').getByTestId('node-credentials-select');
	const values: string[] = [];
	for (let i = 0; i < (await selects.count()); i++) values.push((await selects.nth(i).locator('input').first().inputValue()).trim());
	return values;
}

/** Saves a PNG of the page as `<SCREENSHOTS_DIR>/<name>.png` when SCREENSHOTS_DIR is set; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string | undefined> {
	const dir = process.env.SCREENSHOTS_DIR;
	if (!dir) return undefined;
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${name}.png`);
	// Mouse away from the canvas, so no hover toolbar sits on a node.
	await page.mouse.move(0, 0);
	await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
	return file;
}

/**
 * The resource mapper of the open node panel once its columns loaded: the label of every mapped column (in the order
 * shown) and the columns its "to match on" select offers (opened and closed again).
 */
export async function resourceMapperColumns(page: Page): Promise<{ fields: string[]; matchable: string[] }> {
	const panel = page.getByTestId('ndv');
	const container = panel.getByTestId('mapping-fields-container');
	await container.waitFor({ timeout: 60_000 });
	// One .parameter-item per mapped column; its text starts with the column's label.
	const fields = (await container.locator('.parameter-item').allInnerTexts()).map((t) => t.split('\n')[0].trim());
	const select = panel.getByTestId('matching-column-select');
	await select.waitFor({ timeout: 15_000 });
	const list = await openDropdown(page, select.locator('input').first());
	const matchable = await optionNames(list.locator('li'));
	await closeDropdown(page, list);
	return { fields, matchable };
}

/** Picks the option containing `column` in the open resource mapper's "to match on" select. */
export async function chooseMatchingColumn(page: Page, column: string): Promise<void> {
	const list = await openDropdown(page, page.getByTestId('ndv').getByTestId('matching-column-select').locator('input').first());
	await list.locator('li').filter({ hasText: column }).first().click();
	await list.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
}
