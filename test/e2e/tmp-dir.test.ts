/**
 * The harness's default temp dir (packs, installed-package cache, n8n user folders) under a temp dir several
 * accounts share, like /tmp: one per account and only that account's, so that root and a normal user on the same
 * machine neither lock each other out (a dir root made is not writable for the user) nor run n8n on a package
 * another account put there.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { accountTmpDir, ownershipProblem } from './harness';

describe('accountTmpDir(base)', () => {
	let shared: string;

	beforeEach(() => {
		shared = fs.mkdtempSync(path.join(os.tmpdir(), 'msp-ops-shared-tmp-'));
		fs.chmodSync(shared, 0o1777); // like /tmp
	});
	afterEach(() => fs.rmSync(shared, { recursive: true, force: true }));

	it('is a directory of this account only, named per account', () => {
		const dir = accountTmpDir(shared);
		expect(dir).toBe(path.join(shared, `n8n-nodes-msp-ops-e2e-${process.getuid?.()}`));
		const stat = fs.statSync(dir);
		expect({ uid: stat.uid, mode: stat.mode & 0o777 }).toEqual({ uid: process.getuid?.(), mode: 0o700 });
		expect(accountTmpDir(shared)).toBe(dir);
	});

	it('refuses a directory others may write to under its name', () => {
		const dir = accountTmpDir(shared);
		fs.chmodSync(dir, 0o777);
		expect(() => accountTmpDir(shared)).toThrow(/others may write/);
	});

	it('refuses a symlink under its name', () => {
		const dir = accountTmpDir(shared);
		fs.rmSync(dir, { recursive: true });
		fs.mkdirSync(path.join(shared, 'elsewhere'), { mode: 0o700 });
		fs.symlinkSync(path.join(shared, 'elsewhere'), dir);
		expect(() => accountTmpDir(shared)).toThrow(/symlink/);
	});
});

describe('ownershipProblem(stat, uid)', () => {
	it('names what is wrong with a directory another account owns or may write to', () => {
		const dir = { isDirectory: () => true, isSymbolicLink: () => false, uid: 1000, mode: 0o40700 };
		expect(ownershipProblem(dir, 1000)).toBeUndefined();
		expect(ownershipProblem(dir, 0)).toMatch(/another account \(uid 1000\)/);
		expect(ownershipProblem({ ...dir, mode: 0o40770 }, 1000)).toMatch(/others may write/);
		expect(ownershipProblem({ ...dir, isDirectory: () => false, isSymbolicLink: () => true }, 1000)).toMatch(/symlink/);
	});
});
