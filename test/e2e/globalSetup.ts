/**
 * jest globalSetup of the e2e project: installs the pinned n8n hosts (cached, see hosts.ts) and builds + packs the
 * package once, exporting E2E_PACKAGE_TARBALL so every e2e test file of this run installs the same tarball.
 */
import { ensureHost, hostVersions } from './hosts';
import { packPackage } from './harness';

export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	for (const version of hostVersions()) await ensureHost(version);
	const hostsMs = Date.now() - started;
	const tarball = await packPackage();
	process.env.E2E_PACKAGE_TARBALL = tarball;
	process.stderr.write(
		`\n[e2e] hosts ${hostVersions().join(', ')} ready in ${(hostsMs / 1000).toFixed(1)} s; package ${tarball} in ${((Date.now() - started - hostsMs) / 1000).toFixed(1)} s\n`,
	);
}
