/**
 * `<sound>`: an emulated sound card.
 *
 * libvirt's order (`virDomainSoundDefFormat`): attributes model,
 * multichannel, streams; children codec*, audio, device info, driver
 * (codec before audio is not shown by the corpus: from libvirt's formatter).
 */
import { attr, child, element, list, type Infer } from '../../xml/decl.js';
import { oneOf, uint, yesNo } from '../../xml/values.js';
import { audioRef } from './audio.js';
import { deviceInfoFields } from './info.js';
import { virtioDriverField } from './virtio.js';

export const soundModels = ['sb16', 'es1370', 'pcspk', 'ac97', 'ich6', 'ich7', 'ich9', 'usb', 'virtio'] as const;

/** `<codec type>` of an HDA (ich6/ich7/ich9) card. */
export const soundCodec = element('codec', { type: attr(oneOf('duplex', 'micro', 'output'), { required: true }) });

export const sound = element(
  'sound',
  {
    model: attr(oneOf(...soundModels), { required: true }),
    // each read only for its model (libvirt 12.9 drops multichannel on es1370, and any streams value off virtio)
    multichannel: attr(yesNo, { readIf: (a) => a('model') === 'usb', doc: 'usb: multichannel audio' }),
    // decimal: libvirt 12.9 reads streams='010' as 10 and refuses '0xe'
    streams: attr(uint(), { readIf: (a) => a('model') === 'virtio', doc: 'virtio: number of PCM streams' }),
    codecs: list(soundCodec),
    audio: child(audioRef),
    ...deviceInfoFields,
    ...virtioDriverField,
  },
  { doc: 'Sound card' },
);
export type SoundDef = Infer<typeof sound>;
