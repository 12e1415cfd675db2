import { sleep } from 'n8n-workflow';
import { useSleep } from '../../lib/http/timers';

/**
 * Hand n8n's own `sleep` to lib/ for its retry and rate-limit waits. Imported for its effect by the node helpers
 * every node uses (n8nAdapter, opsLog), so it runs when n8n loads any node of the package, before lib/ waits.
 */
useSleep(sleep);
