#!/usr/bin/env node
// The `camstream` binary: a thin shell around the program; the exit code comes from run() (decision 0010).
import { run } from './program.js';

process.exitCode = await run(process.argv);
