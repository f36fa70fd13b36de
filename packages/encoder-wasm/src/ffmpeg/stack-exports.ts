import { EncoderError } from '../errors.js';
import type { StackExportNames } from './core-types.js';

/**
 * Finds the minified names of the `stackSave`/`stackRestore` wasm exports in the core's JS
 * (`stackSave=function(){return(stackSave=Module["asm"]["Da"])…`). Platform-neutral: Node reads the JS from
 * disk, the browser worker fetches it.
 */
export function findStackExports(coreJs: string): StackExportNames {
  const find = (name: string): string => {
    const match = new RegExp(
      `${name}=function\\(\\)\\{return\\(${name}=Module\\["asm"\\]\\["(\\w+)"\\]`,
    ).exec(coreJs);
    if (!match?.[1]) {
      throw new EncoderError(
        'encoder-failed',
        `cannot find the ${name} export in @ffmpeg/core's JS; this @ffmpeg/core build is not the one camstream was built for (0.12.10)`,
      );
    }
    return match[1];
  };
  return { save: find('stackSave'), restore: find('stackRestore') };
}
