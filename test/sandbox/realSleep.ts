import { useSleep } from '../../lib/http/timers';

/** Outside n8n (tests, benchmarks, scripts) lib/ waits with Node's own timers; inside n8n the nodes hand it n8n's sleep. */
export function useRealSleep(): void {
	useSleep((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
}
