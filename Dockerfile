# syntax=docker/dockerfile:1
# madoguchi: one static binary in a small non-root image, with the shipped
# intents baked in at /intents (mount a directory or ConfigMap over it to
# replace them; the bot reloads them on change).
#   docker build --build-arg VERSION=$(git describe --always) -t madoguchi .

ARG GO_VERSION=1.26
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY cmd ./cmd
COPY internal ./internal
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/madoguchi ./cmd/madoguchi
COPY intents ./intents
# A broken catalogue fails the build, not the deployment.
RUN /out/madoguchi lint intents
# The record of questions' SQLite file lives in /data (a volume).
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/madoguchi /madoguchi
COPY --from=build /src/intents /intents
COPY --from=build --chown=65532:65532 /out/data /data
ENV MADOGUCHI_INTENTS=/intents \
    MADOGUCHI_ADDR=:8080 \
    MADOGUCHI_DB=/data/madoguchi.db
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s CMD ["/madoguchi", "healthcheck"]
ENTRYPOINT ["/madoguchi"]
CMD ["serve"]
