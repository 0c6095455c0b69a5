// Integration tests train real models on a 2-core machine: minutes, not seconds.
jest.setTimeout(600_000);
