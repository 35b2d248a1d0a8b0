/** Ecosystem profiles: the registry (detection, metadata, classifiers, path mapping) and the revision chain. */
import { CLASSIFIERS } from '../classify/index.js';
import type { Classifier } from '../classify/types.js';
import { PROFILES } from './registry.js';
import type { ProfileInfo } from './types.js';

export { readProfile, detectProfileId, profileOf, PROFILES, DETECTION_ORDER, type Profile } from './registry.js';
export { topDir } from './detect.js';
export { resolveChain, searchNeighbourhood, type MetadataClaim } from './chain.js';
export { subtree, normaliseRepoDir } from './subtree.js';
export { PROFILE_CHOICES, type ProfileChoice, type ProfileInfo } from './types.js';

/** The classifiers a profile adds; they run before the generic ones. */
export function profileClassifiers(info: ProfileInfo): Classifier[] {
  return PROFILES[info.id].classifiers(info);
}

/** The full ordered classifier list for a profile: the profile's own first, then the generic registry. */
export function classifiersFor(info: ProfileInfo | undefined): Classifier[] {
  return info ? [...profileClassifiers(info), ...CLASSIFIERS] : CLASSIFIERS;
}
