# The API and worker image used by docker-compose.yml (one image, two commands).
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY src ./src
COPY web ./web
# prisma generate only needs the schema engine's path to exist (README, "Database and migrations").
RUN PRISMA_SCHEMA_ENGINE_BINARY=/bin/true npx prisma generate && npx tsc -p tsconfig.build.json && node web/build.mjs && npm prune --omit=dev

FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY exercises ./exercises
COPY package.json ./
COPY prisma ./prisma
USER node
CMD ["node", "dist/main.js"]
