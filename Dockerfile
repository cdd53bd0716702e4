# conv in a container: one image for both roles (`conv converter`, `conv balancer`).
#   docker build -t conv:0.1.0 .      (the tag is project(VERSION) in CMakeLists.txt)
#   docker run --read-only --cap-drop ALL --security-opt no-new-privileges -p 5000:5000 conv:0.1.0
# It runs as user 10001 and writes nothing, so it needs no capability and no writable root
# (compose.yaml and deploy/kubernetes/ run it that way).
# The build stage uses the project's own dependency script, so the image is built exactly as
# the README's Quick start builds on a Debian 12 machine; the runtime stage holds the binary
# and the shared libraries it links beyond libc (see `ldd conv`).

FROM debian:bookworm AS build
WORKDIR /src
# The dependency layer depends on this script alone, so source edits rebuild from the cache.
COPY scripts/install-deps.sh scripts/install-deps.sh
# ccache (in a build cache mount, below) makes rebuilds after a source change recompile only
# what changed: a fresh clone's new file times would otherwise rebuild everything.
RUN ./scripts/install-deps.sh \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ccache \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN --mount=type=cache,target=/root/.cache/ccache \
    cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DCONV_BUILD_TESTS=OFF \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
 && cmake --build /build -j"$(nproc)" --target conv \
 && ccache --show-stats
RUN strip /build/conv && /build/conv --version

FROM debian:bookworm-slim
# libboost_json.so.1.81.0, OpenSSL's libssl3, expat's libexpat1 and libsqlite3-0 are the
# libraries conv needs that bookworm-slim may lack (libstdc++6, libgcc-s1 and libc6 are part of it).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libboost-json1.81.0 \
      libssl3 libexpat1 libsqlite3-0 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin conv
COPY --from=build /build/conv /usr/local/bin/conv
COPY configs/ /etc/conv/
USER 10001:10001
EXPOSE 5000
# SIGTERM drains (requests in flight finish, --drain-timeout, 10 s by default).
STOPSIGNAL SIGTERM
# Both roles listen on 5000 by default; a converter answers /healthz itself, a balancer
# forwards it to an upstream (its own is /_conv/healthz; compose.yaml sets each service's).
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD ["conv", "probe", "http://127.0.0.1:5000/healthz", "--timeout", "2"]
ENTRYPOINT ["conv"]
CMD ["converter", "--port", "5000", "--rates", "/etc/conv/rates.json"]
