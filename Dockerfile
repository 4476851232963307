# The hotline binary in a small image; docker-compose.yml runs it as api and worker.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/hotline ./cmd/hotline

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* && useradd --system --uid 10001 hotline
COPY --from=build /out/hotline /usr/local/bin/hotline
USER hotline
EXPOSE 8080
ENTRYPOINT ["hotline"]
CMD ["all"]
