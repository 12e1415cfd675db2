import { useRealSleep } from '../sandbox/realSleep';
import { withLoopbackNoProxy } from '../sandbox/loopbackNoProxy';

// Requests to the in-process sandbox never go through a proxy the machine may have configured.
withLoopbackNoProxy(process.env);

// lib/ waits with the sleep it is handed (in n8n: the nodes hand it n8n's); tests hand it Node's timers.
useRealSleep();
