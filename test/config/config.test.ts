import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../src/main/plugins.js';
import { loadChannelFile } from '../../src/config/load-channels.js';
import { loadSettings } from '../../src/config/load-settings.js';

describe('config: settings and channel files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-config-'));
    mkdirSync(join(dir, 'channels'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('uses every default when there is no settings file', () => {
    const { settings } = loadSettings(dir, {});
    expect(settings.http.port).to.equal(8080);
    expect(settings.store).to.equal('sqlite');
    expect(settings.logging.includePatientData).to.equal(false);
  });

  it('resolves relative file settings against the config folder and keeps absolute ones', () => {
    write(
      'settings.yaml',
      [
        'sandbox: { seedFile: seeds/seed.yaml }',
        'ers: { auth: { mode: platform, accessTokenFile: secrets/token, privateKeyFile: /run/secrets/ers.pem, businessFunction: REFERRING_CLINICIAN, odsCode: R69 } }',
      ].join('\n'),
    );
    const { settings } = loadSettings(dir, {});
    expect(settings.sandbox.seedFile).to.equal(join(dir, 'seeds', 'seed.yaml'));
    const auth = settings.ers.auth;
    expect(auth?.mode).to.equal('platform');
    if (auth?.mode !== 'platform') return;
    expect(auth.accessTokenFile).to.equal(join(dir, 'secrets', 'token'));
    expect(auth.privateKeyFile).to.equal('/run/secrets/ers.pem');
  });

  it('reads the environment overlay over the base file and ERS_BRIDGE_* variables over both', () => {
    write('settings.yaml', 'http: { port: 9000, host: 0.0.0.0 }\nretention: { bodyDays: 10 }\n');
    write('settings.int.yaml', 'retention: { bodyDays: 90 }\n');
    const { settings, files } = loadSettings(dir, {
      ERS_BRIDGE_ENV: 'int',
      ERS_BRIDGE_HTTP_PORT: '9100',
    });
    expect(files).to.have.length(2);
    expect(settings.retention.bodyDays).to.equal(90);
    expect(settings.http).to.deep.equal({ port: 9100, host: '0.0.0.0' });
  });

  it('substitutes ${VAR} with its YAML type and ${VAR:-default} when unset', () => {
    const file = write(
      'channels/a.yaml',
      'id: a\nsource: { type: http, port: "${PORT:-8071}", path: "/${P}" }\ndestinations:\n  - { name: out, type: file, folder: out }\n',
    );
    const loaded = loadChannelFile(file, { P: 'in' });
    expect(loaded.ok && loaded.channel.source.config).to.deep.include({ port: 8071, path: '/in' });
    const withEnv = loadChannelFile(file, { P: 'in', PORT: '9001' });
    expect(withEnv.ok && withEnv.channel.source.config).to.deep.include({ port: 9001 });
  });

  it('names the file and line of a variable that is not set', () => {
    const file = write(
      'channels/b.yaml',
      'id: b\nsource:\n  type: http\n  port: ${NOPE}\ndestinations: [{ name: out, type: file, folder: out }]\n',
    );
    const loaded = loadChannelFile(file, {});
    expect(loaded.ok).to.equal(false);
    expect(!loaded.ok && loaded.issues[0]).to.deep.include({
      line: 4,
      message: 'environment variable NOPE is not set and has no default',
    });
  });

  it('reports every mistake of a channel file at once with its line', () => {
    const file = write(
      'channels/c.yaml',
      [
        'id: Bad_Id',
        'source:',
        '  type: http',
        '  port: 99999',
        '  colour: blue',
        'destinations:',
        '  - { name: out, type: file }',
        'workers: 0',
      ].join('\n'),
    );
    const loaded = loadChannelFile(file, {});
    expect(loaded.ok).to.equal(false);
    const lines = loaded.ok ? [] : loaded.issues.map((i) => `${i.line}: ${i.path} ${i.message}`);
    expect(lines).to.include.members([
      '1: id must be lower-case letters, digits and dashes',
      '4: source.port must be at most 65535',
      '5: source has unknown key "colour"',
      '7: destinations.0.folder is required',
      '8: workers must be at least 1',
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const file = write('channels/d.yaml', 'id: d\nsource: { type: http\n');
    const loaded = loadChannelFile(file, {});
    expect(!loaded.ok && loaded.issues[0]?.line)
      .to.be.a('number')
      .and.greaterThan(0);
    expect(!loaded.ok && loaded.issues[0]?.message).to.match(/not valid YAML/);
  });

  const root = join(import.meta.dirname, '..', '..');
  /** Runs `ers-bridge validate --config <configDir>`: its exit code and output. */
  const validate = (configDir: string): { code: number; out: string } => {
    try {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'validate', '--config', configDir],
        { cwd: root, encoding: 'utf8' },
      );
      return { code: 0, out };
    } catch (error) {
      const e = error as { status: number; stdout: string };
      return { code: e.status, out: e.stdout };
    }
  };

  it('makes `ers-bridge validate` exit non-zero and list errors for a broken config', () => {
    write(
      'channels/e.yaml',
      'id: e\nsource: { type: http, port: 0 }\ndestinations: [{ name: out, type: nowhere }]\n',
    );
    const { code, out } = validate(dir);
    expect(code).to.equal(1);
    expect(out).to.match(/e\.yaml:3: destinations\.0\.type unknown destination type "nowhere"/);
    expect(out).to.match(/0 valid, 1 error\(s\)/);
  });

  it('validates the shipped settings, channels and mappings with no error', () => {
    const { code, out } = validate(root);
    expect(out).to.match(/(\d+) channel file\(s\), \1 valid, 0 error\(s\)/);
    expect(code).to.equal(0);
  });

  it('validates against settings.yaml: a letter from e-RS is refused when e-RS is not configured', () => {
    write('settings.yaml', 'sandbox: { enabled: false }\n');
    write(
      'channels/l.yaml',
      'id: l\nsource: { type: http, port: 0 }\ndestinations: [{ name: letter, type: letter, source: ers, folder: letters }]\n',
    );
    const refused = validate(dir);
    expect(refused.out).to.match(/letter destination: source ers needs e-RS/);
    expect(refused.code).to.equal(1);
    write('settings.yaml', 'sandbox: { enabled: true }\n');
    expect(validate(dir)).to.deep.equal({
      code: 0,
      out: '1 channel file(s), 1 valid, 0 error(s)\n',
    });
  });
});
