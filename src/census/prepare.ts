// Keeping what makes the census fast current: for a process that asks many questions.
import { windowsOf, type CensusSource } from './count.js';
import { foldPairDays } from './pair-days.js';

/**
 * Keep the store's folds of the sightings (per day and over all time) current from now on,
 * building them now: for a process that asks many questions (the server, a report). Without it,
 * questions read the sightings directly unless the folds happen to be current.
 */
export async function prepareForQueries(store: CensusSource): Promise<void> {
  await foldPairDays(store.driver);
  await windowsOf(store).prepare();
}
