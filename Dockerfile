# The casegraph API as a small image; docker-compose.yml runs it beside the
# official Neo4j image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=docker
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/casegraph ./cmd/casegraph

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/casegraph /casegraph
COPY data /data
EXPOSE 8080
ENV CASEGRAPH_ADDR=0.0.0.0:8080
ENTRYPOINT ["/casegraph"]
CMD ["serve"]
