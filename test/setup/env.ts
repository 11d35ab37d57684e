import { testEnvironment } from './test-env';

// Every e2e spec sees the test database and Redis database, whatever the shell exported.
Object.assign(process.env, testEnvironment());
