import 'reflect-metadata';
import { ApiKeysService } from './auth/api-keys.service';
import { closeOnSignals } from './common/shutdown';
import { CatalogService } from './exercises/catalog.service';
import { loadConfigOrExit } from './config/config.loader';
import { createHttpApp } from './http-app';
import { saveGeneratedAdminToken } from './auth/admin-token-file';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createHttpApp(config);
  const { generated } = await app.get(ApiKeysService).ensureAdmin(config.MEMGRADE_ADMIN_TOKEN);
  if (generated) {
    const path = saveGeneratedAdminToken(generated);
    process.stdout.write(`memgrade: generated the first admin API key (shown once, also saved to ${path}):\n  ${generated}\n`);
  }
  // The shipped catalog becomes course python-memory; unchanged exercises cost nothing.
  if (config.PUBLISH_CATALOG) await app.get(CatalogService).publishCatalog();
  closeOnSignals(app, (error) => process.stderr.write(`memgrade: API did not stop cleanly: ${error.message}\n`));
  await app.listen(config.PORT);
  process.stdout.write(`memgrade API listening on http://localhost:${config.PORT} (OpenAPI: /docs, /openapi.json)\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`memgrade: API failed to start: ${error.message}\n`);
  process.exit(1);
});
