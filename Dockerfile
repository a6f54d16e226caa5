# ketch in a container: `ketch store` (or any other ketch command). Used by the Jepsen-style
# suite's docker mode (jepsen-style-tests/harness/docker_cluster.ts, through testcontainers), and
# usable by hand:
#
#   docker build -t ketch .
#   docker run --rm -p 2379:2379 ketch store --name k1 \
#     --listen-client-urls http://0.0.0.0:2379 --advertise-client-urls http://127.0.0.1:2379
#
# Flags follow etcd's names (see `ketch store --help`); data goes to /var/lib/ketch.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied in.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY raft raft
COPY kvstore kvstore
COPY apiserver apiserver
COPY cli cli
COPY bench bench
COPY jepsen-style-tests jepsen-style-tests
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
WORKDIR /opt/ketch
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
# The gRPC service definitions are read at run time.
COPY --from=build /src/kvstore/server/proto kvstore/server/proto
RUN mkdir -p /var/lib/ketch
VOLUME /var/lib/ketch
# client, peer, metrics (etcd's ports)
EXPOSE 2379 2380 2381
ENTRYPOINT ["node", "/opt/ketch/dist/cli/ketch.js"]
CMD ["store", "--data-dir", "/var/lib/ketch", "--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls", "http://127.0.0.1:2379"]
