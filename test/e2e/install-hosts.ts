/**
 * Installs the pinned n8n hosts used by the e2e suite (cached; a no-op when already installed).
 *   npx tsx test/e2e/install-hosts.ts [2.8.4|2.41.1|all] ...   (default: the versions of E2E_HOSTS, else all)
 */
import { ALL_HOST_VERSIONS, ensureHost, hostsDir, hostVersions, type HostVersion } from './hosts';

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const versions: HostVersion[] =
		args.length === 0 ? hostVersions() : args.includes('all') ? [...ALL_HOST_VERSIONS] : (args as HostVersion[]);
	for (const v of versions) {
		if (!(ALL_HOST_VERSIONS as string[]).includes(v)) throw new Error(`unknown host version ${v} (known: ${ALL_HOST_VERSIONS.join(', ')}, all)`);
	}
	console.log(`hosts dir: ${hostsDir()}`);
	// Sequential: two n8n installs at once thrash this 2-core machine; concurrent CLI runs are serialised by the lock.
	for (const v of versions) {
		const started = Date.now();
		const host = await ensureHost(v);
		console.log(`n8n ${v}: ${host.dir} (node ${host.nodeBin}) ok after ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
