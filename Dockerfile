# The ntkexp command line for a cluster (docs/CLUSTER.md, the Kubernetes Indexed Job): the wasm
# engine with its threads, the native matrix product over OpenBLAS (koffi), and TensorFlow.js's
# native backend where its install can download libtensorflow (it is optional: without it the image
# still builds and runs on wasm). Build from the repository:
#   docker build -t ntkexp:0.1.0 .
# and check what the engines will compute on:
#   docker run --rm ntkexp:0.1.0 doctor

# Stage 1: the bundles (dist/), built with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /opt/ntkexp
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Stage 2: what the CLI needs to run, and nothing of the build.
FROM node:20-bookworm-slim
# The system BLAS of the native matrix product (koffi loads libopenblas.so.0).
RUN apt-get update \
  && apt-get install -y --no-install-recommends libopenblas0-pthread \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/ntkexp
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /opt/ntkexp/dist ./dist
COPY bin ./bin
COPY examples ./examples
ENV NODE_ENV=production
# Runs, shards and merges are written under the working folder: mount the shared volume there.
WORKDIR /work
USER node
ENTRYPOINT ["node", "/opt/ntkexp/bin/ntkexp.js"]
CMD ["--help"]
