/**
 * The sandbox listens on 127.0.0.1. A machine with HTTP(S)_PROXY set (common on MSP networks) must not send
 * requests to it through the proxy, from the package's HTTP client or from n8n: the loopback names are added to
 * NO_PROXY / no_proxy of the environment given (the unit tests' process, n8n child processes).
 */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

export function withLoopbackNoProxy(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	for (const name of ['NO_PROXY', 'no_proxy']) {
		const entries = (env[name] ?? '').split(/[,\s]+/).filter(Boolean);
		for (const host of LOOPBACK_HOSTS) if (!entries.includes(host)) entries.push(host);
		env[name] = entries.join(',');
	}
	return env;
}
