import { ALL_SERVICES, startSandbox, type ServiceKey } from './index';

/**
 * `npm run sandbox [-- --seed 42 --sites 98 --devices 492 --port-base 18100 --services notion,unifi --notion-rps 3]`
 * Starts the emulators, prints one JSON line with their URLs and the sandbox credentials, and runs until
 * SIGINT/SIGTERM. With --port-base, ports are fixed: base+0 unifi, +1 unifiNetwork, +2 ninjaone, +3 notion,
 * +4 hubspot, +5 supabase.
 */

function arg(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
	const portBase = arg('port-base') ? Number(arg('port-base')) : undefined;
	const services = (arg('services')?.split(',') as ServiceKey[] | undefined) ?? ALL_SERVICES;
	const ports: Partial<Record<ServiceKey, number>> = {};
	if (portBase) ALL_SERVICES.forEach((key, i) => (ports[key] = portBase + i));
	const notionRps = arg('notion-rps');
	const sandbox = await startSandbox({
		world: {
			seed: arg('seed') ? Number(arg('seed')) : undefined,
			sites: arg('sites') ? Number(arg('sites')) : undefined,
			devices: arg('devices') ? Number(arg('devices')) : undefined,
		},
		services,
		ports,
		emulator: notionRps ? { notion: { rateLimits: { default: { kind: 'bucket', ratePerSec: Number(notionRps), burst: 3 } } } } : undefined,
	});
	process.stdout.write(
		JSON.stringify({
			sandbox: 'ready',
			urls: sandbox.urls,
			credentials: sandbox.credentials,
			world: { seed: sandbox.world.seed, sites: sandbox.world.sites.length, devices: sandbox.world.deviceCount },
		}) + '\n',
	);
	const shutdown = async () => {
		await sandbox.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void shutdown());
	process.on('SIGTERM', () => void shutdown());
}

main().catch((error) => {
	process.stderr.write(`sandbox failed to start: ${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
