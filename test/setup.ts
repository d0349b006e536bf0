import nock from 'nock';
import { afterAll } from 'vitest';

// Tests never reach the network: only loopback (the test PostgreSQL server, local HTTP servers).
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

afterAll(() => {
  nock.cleanAll();
});
