import { useRealSleep } from '../sandbox/realSleep';
// testTimeout is a global (not per-project) jest option; the e2e project sets its long timeout here.
// Each `n8n execute` is a new n8n process (~3-5 s); server starts take ~10 s; host installs happen in globalSetup.
jest.setTimeout(10 * 60 * 1000);

// lib/ waits with the sleep it is handed; tests that call lib/ directly hand it Node's timers.
useRealSleep();
