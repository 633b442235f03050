// config: settings and channel files, validated with file:line errors; ${VAR} substitution and overlays.
export * from '../core/settings.js';
export * from './channel-schema.js';
export { loadSettings, type LoadedSettings } from './load-settings.js';
export {
  channelFiles,
  loadChannelFile,
  loadChannels,
  formatFailures,
  type ChannelLoad,
  type LoadedChannels,
} from './load-channels.js';
export { formatIssue, type ConfigIssue } from './yaml-source.js';
