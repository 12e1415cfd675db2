import { withLoopbackNoProxy } from '../sandbox/loopbackNoProxy';

// Requests to the in-process sandbox never go through a proxy the machine may have configured.
withLoopbackNoProxy(process.env);
