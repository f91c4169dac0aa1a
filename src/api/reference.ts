import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';

/**
 * The browsable API reference at /docs: Swagger UI (swagger-ui-express, which serves the
 * swagger-ui-dist bundle) over the OpenAPI document the API serves, so that the page and
 * /v1/openapi.json cannot disagree. "Try it out" calls the API from the browser with a key typed
 * into "Authorize".
 */
export function apiReference(document: object): Router {
  const router = Router();
  const options = {
    customSiteTitle: 'rocketpush API reference',
    swaggerOptions: { docExpansion: 'list', defaultModelsExpandDepth: 0, displayOperationId: true, tryItOutEnabled: false },
  };
  router.use('/docs', swaggerUi.serveFiles(document, options), swaggerUi.setup(document, options));
  return router;
}
