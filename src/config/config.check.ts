// `node dist/config/config.check.js`: validates the environment and exits, before bring-up does anything.
import { loadConfigOrExit } from './config.loader';

loadConfigOrExit();
