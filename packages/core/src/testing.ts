// In-memory adapters for every port, fast-check arbitraries for every domain type, and
// the contract suites that every adapter of a port must pass.
export {}
