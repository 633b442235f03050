#!/usr/bin/env node
// Runs the compiled CLI (npm run build); from a source checkout use `npm run ers-bridge -- …`.
import('../dist/cli/main.js');
