/**
 * The memory of a running n8n server, read from /proc (Linux): which process is n8n's own node process, and its
 * resident set size. The pid the harness started may be a wrapper (a shell, `nice`, a launcher script): the process
 * that runs n8n is the one, among it and its descendants, whose command line is `<node> <.../bin/n8n> start`. The
 * task runner n8n starts as a child (`.../task-runner/...`) is a different process and is not counted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The arguments a process was started with ([] when it is gone or unreadable). */
export function processArgs(pid: number): string[] {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
	} catch {
		return [];
	}
}

/** Parent pid from /proc/<pid>/stat (the command name may hold spaces and parentheses: read after the last ')'). */
export function parentPid(pid: number): number | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const ppid = Number(fields[1]);
		return Number.isInteger(ppid) ? ppid : undefined;
	} catch {
		return undefined;
	}
}

/** `pid` and every live descendant, parents before children. */
export function processTree(pid: number): number[] {
	const children = new Map<number, number[]>();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const child = Number(entry);
		const parent = parentPid(child);
		if (parent === undefined) continue;
		const list = children.get(parent) ?? [];
		list.push(child);
		children.set(parent, list);
	}
	const tree: number[] = [];
	const queue = [pid];
	while (queue.length) {
		const next = queue.shift()!;
		tree.push(next);
		queue.push(...(children.get(next) ?? []));
	}
	return tree;
}

/** Whether a command line is n8n's main process: a node binary running n8n's bin script with `start`. */
export function isN8nStart(args: readonly string[]): boolean {
	if (args.length < 3 || !/(^|\/)node(js)?$/.test(args[0])) return false;
	const script = args.findIndex((a, i) => i > 0 && (a.endsWith('/bin/n8n') || path.basename(a) === 'n8n'));
	return script > 0 && args.slice(script + 1).includes('start');
}

/** The pid of the node process running `n8n start` in the tree of `serverPid` (the server pid itself when it is). */
export function n8nNodePid(serverPid: number): number {
	const found = processTree(serverPid).filter((pid) => isN8nStart(processArgs(pid)));
	if (found.length !== 1) {
		const seen = processTree(serverPid).map((pid) => `${pid}: ${processArgs(pid).join(' ')}`);
		throw new Error(`expected one node process running "n8n start" under pid ${serverPid}, found ${found.length}:\n${seen.join('\n')}`);
	}
	return found[0];
}

/** VmRSS of a live process in KiB (from /proc/<pid>/status); throws when the process is gone. */
export function rssKiB(pid: number): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
	if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
	return Number(match[1]);
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
	if (values.length === 0) throw new Error('median of no values');
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
