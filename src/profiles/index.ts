/** Ecosystem profiles: detection, metadata, the revision chain, and each profile's classifiers. */
import { CLASSIFIERS } from '../classify/index.js';
import type { Classifier } from '../classify/types.js';
import { crateClassifiers } from './crate.js';
import { npmClassifiers } from './npm.js';
import { sdistClassifiers, wheelClassifiers } from './pypi.js';
import type { ProfileInfo } from './types.js';

export { readProfile, detectProfileId, topDir } from './detect.js';
export { resolveChain, searchNeighbourhood, type MetadataClaim } from './chain.js';
export { subtree, normaliseRepoDir } from './subtree.js';
export { PROFILE_CHOICES, type ProfileChoice, type ProfileInfo } from './types.js';

/** The classifiers a profile adds; they run before the generic ones. */
export function profileClassifiers(info: ProfileInfo): Classifier[] {
  switch (info.id) {
    case 'npm':
      return npmClassifiers(info);
    case 'pypi':
      return sdistClassifiers();
    case 'wheel':
      return wheelClassifiers();
    case 'crate':
      return crateClassifiers();
    default:
      return [];
  }
}

/** The full ordered classifier list for a profile: the profile's own first, then the generic registry. */
export function classifiersFor(info: ProfileInfo | undefined): Classifier[] {
  return info ? [...profileClassifiers(info), ...CLASSIFIERS] : CLASSIFIERS;
}
