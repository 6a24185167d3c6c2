// What every page gets: the data loader, the overview, and the list a spectrum was opened from.
import type { DataLoader } from './data/loader';
import type { Overview } from './data/types';
import type { SampSender } from './sampSend';

/** The list the user last opened a spectrum from (for previous/next in the spectrum view). */
export interface ListContext {
  title: string;
  /** The page the list is on. */
  back: string;
  rows: number[];
}

export interface App {
  data: DataLoader;
  overview: Overview;
  list: ListContext | null;
  /** "Send to TOPCAT / SPLAT" over SAMP's Web Profile. */
  samp: SampSender;
}
