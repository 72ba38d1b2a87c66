// Checks what `npm start` needs before anything starts, and stops with one clear message (and the install command
// for Linux, macOS and Windows) when a piece is missing. Nothing is started here, so nothing is left running.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const settings = join(root, 'src', 'ConversationSender.Functions', 'local.settings.json');
const sample = join(root, 'local.settings.sample.json');
const windows = process.platform === 'win32';

function version(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], shell: windows }).trim();
  } catch {
    return null;
  }
}

function fail(what, install) {
  console.error(`\nnpm start cannot run: ${what}\n`);
  console.error(`  Linux:   ${install.linux}`);
  console.error(`  macOS:   ${install.macos}`);
  console.error(`  Windows: ${install.windows}\n`);
  console.error('Nothing was started. Install it, then run npm start again.');
  process.exit(1);
}

const sdks = version('dotnet', ['--list-sdks']);
if (!sdks || !sdks.split('\n').some((line) => line.startsWith('10.'))) {
  fail(sdks ? 'the .NET 10 SDK is missing (found: ' + sdks.split('\n').map((l) => l.split(' ')[0]).join(', ') + ').' : 'the .NET SDK (dotnet) is not installed.', {
    linux: 'https://learn.microsoft.com/dotnet/core/install/linux (e.g. sudo apt-get install -y dotnet-sdk-10.0)',
    macos: 'brew install --cask dotnet-sdk',
    windows: 'winget install Microsoft.DotNet.SDK.10',
  });
}

const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 20) {
  fail(`Node.js 20 or later is required (found ${process.versions.node}).`, {
    linux: 'https://nodejs.org/en/download/package-manager (e.g. nvm install 20)',
    macos: 'brew install node@20',
    windows: 'winget install OpenJS.NodeJS.LTS',
  });
}

const func = version('func', ['--version']);
if (!func || !func.startsWith('4.')) {
  fail(func ? `Azure Functions Core Tools v4 is required (found ${func}).` : 'Azure Functions Core Tools v4 (func) is not installed.', {
    linux: 'npm install -g azure-functions-core-tools@4 --unsafe-perm true (or the apt package: https://learn.microsoft.com/azure/azure-functions/functions-run-local)',
    macos: 'brew tap azure/functions && brew install azure-functions-core-tools@4',
    windows: 'winget install Microsoft.Azure.FunctionsCoreTools (or npm install -g azure-functions-core-tools@4)',
  });
}

// npm start and npm run setup: once the tools are there, the settings from the sample (never overwritten).
if (process.argv.includes('--create-settings') && !existsSync(settings)) {
  copyFileSync(sample, settings);
  console.log(`Created ${settings} from local.settings.sample.json (it points at Azurite and the sandbox).`);
}

if (!existsSync(settings)) {
  fail('src/ConversationSender.Functions/local.settings.json is missing. Create it from the sample with npm run setup.', {
    linux: 'npm run setup',
    macos: 'npm run setup',
    windows: 'npm run setup',
  });
}

console.log(`Preflight: .NET 10 SDK, Node.js ${process.versions.node}, Core Tools ${func}, local.settings.json: all present.`);
