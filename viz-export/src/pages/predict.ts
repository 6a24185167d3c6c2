// Predict: the ranked candidates of the predicted class, each opening the spectrum view.
import type { App } from '../app';
import type { Predict } from '../data/types';
import { fmt } from '../logic/stats';
import { note, section } from '../ui/dom';
import { pagedList } from '../ui/list';

/** Renders the predict page. */
export async function predictPage(app: App): Promise<HTMLElement[]> {
  if (!app.overview.pages.predict) return [section('Candidates', note('This experiment has no predict stage, so this page has no data.'))];
  const p = await app.data.load<Predict>('predict');
  return [section(`Candidates of class ${p.class}: ${p.count}`, pagedList(app, {
    name: 'candidates', title: `candidates of class ${p.class}`, count: p.row.length, row: (i) => p.row[i], shard: (i) => p.shard[i],
    empty: 'The predict stage ranked no candidate.',
    columns: [
      { title: 'id', value: (i) => p.id[i] }, { title: 'rank', value: (i) => p.rank[i] },
      { title: `p(${p.class})`, value: (i) => fmt(p.probability[i]) }, { title: 'predicted', value: (i) => p.predicted[i] },
      { title: 'label', value: (i) => p.label[i] || '(unlabelled)' }, { title: 'estimate', value: (i) => p.estimate[i] },
      { title: 'row', value: (i) => p.row[i] },
    ],
  }))];
}
