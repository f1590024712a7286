/**
 * `<audio>`: an audio backend, a union on `type` (none, alsa, coreaudio,
 * dbus, jack, oss, pipewire, pulseaudio, sdl, spice, file), and the
 * `<audio id>` reference that sound devices and graphics carry.
 *
 * libvirt's order (`virDomainAudioDefFormat`): attributes id, type,
 * timerPeriod, then the backend's own; children input, output (each left
 * out when empty). On `<input>`/`<output>` (`virDomainAudioCommonFormat`):
 * mixingEngine, fixedSettings, voices, bufferLength, then the backend's own;
 * child `<settings frequency channels format>`.
 */
import { attr, child, element, tag, union, type Fields, type Infer } from '../../xml/decl.js';
import { int, literal, oneOf, str, uint, yesNo } from '../../xml/values.js';

const u32 = () => attr(uint());
const audioId = uint({ max: 255 });

/** `<audio id>` inside `<sound>` and `<graphics>`: which backend the device uses. */
export const audioRef = element('audio', { id: attr(audioId, { required: true }) });

export const audioSettings = element('settings', {
  frequency: u32(),
  channels: u32(),
  format: attr(oneOf('s8', 'u8', 's16', 'u16', 's32', 'u32', 'f32')),
});

/** The attributes every direction has. */
const ioCommon = {
  mixingEngine: attr(yesNo),
  fixedSettings: attr(yesNo),
  voices: u32(),
  bufferLength: attr(uint(), { doc: 'buffer length in microseconds' }),
} as const;

/** `<input>` and `<output>` of a backend, with the backend's own attributes. */
function directions<const E extends Fields>(own: E) {
  const io = <const N extends 'input' | 'output'>(name: N) =>
    element(name, { ...ioCommon, ...own, settings: child(audioSettings, { omitEmpty: true }) });
  return {
    input: child(io('input'), { omitEmpty: true }),
    output: child(io('output'), { omitEmpty: true }),
  };
}

const head = <const T extends string>(type: T) =>
  ({
    id: attr(audioId, { required: true }),
    type: tag(literal(type)),
    timerPeriod: attr(uint(), { doc: 'timer period in microseconds' }),
  }) as const;

const nameFields = { name: attr(str), streamName: attr(str), latency: u32() } as const;
const bufferCount = { bufferCount: u32() } as const;

export const audio = union(
  'audio',
  'type',
  {
    none: element('audio', { ...head('none'), ...directions({}) }),
    alsa: element('audio', { ...head('alsa'), ...directions({ dev: attr(str) }) }),
    coreaudio: element('audio', { ...head('coreaudio'), ...directions(bufferCount) }),
    jack: element('audio', {
      ...head('jack'),
      ...directions({ serverName: attr(str), clientName: attr(str), connectPorts: attr(str), exactName: attr(yesNo) }),
    }),
    oss: element('audio', {
      ...head('oss'),
      tryMMap: attr(yesNo),
      exclusive: attr(yesNo),
      dspPolicy: attr(int()),
      ...directions({ dev: attr(str), ...bufferCount, tryPoll: attr(yesNo) }),
    }),
    pulseaudio: element('audio', { ...head('pulseaudio'), serverName: attr(str), ...directions(nameFields) }),
    sdl: element('audio', {
      ...head('sdl'),
      driver: attr(oneOf('esd', 'alsa', 'arts', 'pulseaudio')),
      ...directions(bufferCount),
    }),
    spice: element('audio', { ...head('spice'), ...directions({}) }),
    file: element('audio', { ...head('file'), path: attr(str), ...directions({}) }),
    dbus: element('audio', { ...head('dbus'), ...directions({}) }),
    pipewire: element('audio', { ...head('pipewire'), runtimeDir: attr(str), ...directions(nameFields) }),
  },
  { doc: 'Audio backend', unknownMessage: "unknown audio type '%s'" },
);
export type AudioDef = Infer<typeof audio>;
