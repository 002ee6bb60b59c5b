#!/usr/bin/env python3
"""Compare `zhirong ml` against XGBoost on the same split files, in one run.

For each data set and each split seed: `npx zhirong ml split` writes train.csv / test.csv into a
temporary directory; XGBoost (hist, eta 0.05, depth 4/5/6, early stopping on a stratified 15 %
of train.csv, subsample/colsample 0.8) trains on train.csv and scores test.csv; then
`npx zhirong ml train` (default settings, no tuning) and `npx zhirong ml eval --json` run on the
very same files for gbdt, scorecard and logistic. One JSON document goes to standard output.

Run from the repository root with Debian's Python (PyPI is not needed):

    apt-get install -y python3-xgboost python3-sklearn python3-pandas
    /usr/bin/python3 tools/ml-reference/compare.py            # both shared data sets, seeds 1 2 3
    /usr/bin/python3 tools/ml-reference/compare.py --seeds 7 --data taiwan
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SHARED = os.path.abspath(os.path.join(ROOT, '..', 'shared', 'data'))

# label, and the columns a data scientist would drop by hand before XGBoost (row ids, account
# names). zhirong gets the raw file: it must find such columns itself.
DATASETS = {
    'taiwan': (os.path.join(SHARED, 'taiwan-default', 'UCI_Credit_Card.csv'), 'default.payment.next.month', ['ID']),
    'paysim': (os.path.join(SHARED, 'paysim-sample', 'paysim_sample.csv'), 'isFraud', ['nameOrig', 'nameDest']),
}


def zhirong(*args):
    run = subprocess.run(['npx', 'zhirong', *args], cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"zhirong {' '.join(args)} failed:\n{run.stderr}")
    return run.stdout


def xgboost_auc(train, test, label, drop, depth, seed):
    def frame(df):
        x = df.drop(columns=[label, *[c for c in drop if c in df.columns]])
        for c in x.columns:
            if x[c].dtype == object:
                x[c] = x[c].astype('category')
        return x

    x_all, y_all = frame(train), train[label]
    x_test = frame(test)
    for c in x_all.columns:  # the same category codes on both sides
        if str(x_all[c].dtype) == 'category':
            x_test[c] = pd.Categorical(x_test[c], categories=x_all[c].cat.categories)
    x_fit, x_val, y_fit, y_val = train_test_split(x_all, y_all, test_size=0.15, stratify=y_all, random_state=seed)
    model = xgb.XGBClassifier(
        tree_method='hist', learning_rate=0.05, max_depth=depth, n_estimators=2000, early_stopping_rounds=50,
        eval_metric='logloss', subsample=0.8, colsample_bytree=0.8, min_child_weight=1, reg_lambda=1,
        enable_categorical=True, random_state=seed, n_jobs=2,
    )
    model.fit(x_fit, y_fit, eval_set=[(x_val, y_val)], verbose=False)
    return float(roc_auc_score(test[label], model.predict_proba(x_test)[:, 1])), int(model.best_iteration) + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data', nargs='*', default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument('--seeds', nargs='*', type=int, default=[1, 2, 3])
    parser.add_argument('--kinds', nargs='*', default=['gbdt', 'scorecard', 'logistic'])
    args = parser.parse_args()
    report = {'xgboost_version': xgb.__version__, 'datasets': {}}
    with tempfile.TemporaryDirectory(prefix='zhirong-ml-compare-') as tmp:
        for name in args.data:
            path, label, drop = DATASETS[name]
            runs = []
            for seed in args.seeds:
                out = os.path.join(tmp, f'{name}-{seed}')
                zhirong('ml', 'split', '--data', path, '--label', label, '--out-dir', out, '--seed', str(seed), '--json')
                train_csv, test_csv = os.path.join(out, 'train.csv'), os.path.join(out, 'test.csv')
                train, test = pd.read_csv(train_csv), pd.read_csv(test_csv)
                run = {'seed': seed, 'train_rows': len(train), 'test_rows': len(test), 'xgboost': {}, 'zhirong': {}}
                for depth in (4, 5, 6):
                    auc, rounds = xgboost_auc(train, test, label, drop, depth, seed)
                    run['xgboost'][f'depth{depth}'] = {'auc': round(auc, 5), 'rounds': rounds}
                for kind in args.kinds:
                    model = os.path.join(out, f'{kind}.json')
                    trained = json.loads(zhirong('ml', 'train', '--data', train_csv, '--label', label, '--model', kind,
                                                 '--out', model, '--seed', str(seed), '--json'))
                    evaluated = json.loads(zhirong('ml', 'eval', '--model', model, '--data', test_csv, '--json'))
                    run['zhirong'][kind] = {'auc': evaluated['auc'], 'ks': evaluated['ks'], 'logloss': evaluated['logloss'],
                                            'seconds': trained['seconds'],
                                            'dropped': [d['name'] for d in trained['dropped'] if d['reason'] != 'label']}
                best_xgb = max(v['auc'] for v in run['xgboost'].values())
                run['gbdt_minus_best_xgboost'] = round(run['zhirong']['gbdt']['auc'] - best_xgb, 5) if 'gbdt' in run['zhirong'] else None
                if 'gbdt' in run['zhirong'] and 'scorecard' in run['zhirong']:
                    run['scorecard_minus_gbdt'] = round(run['zhirong']['scorecard']['auc'] - run['zhirong']['gbdt']['auc'], 5)
                runs.append(run)
                print(f'{name} seed {seed}: ' + json.dumps({k: run[k] for k in ('gbdt_minus_best_xgboost', 'scorecard_minus_gbdt') if k in run}), file=sys.stderr)
            summary = {}
            for key in ('gbdt_minus_best_xgboost', 'scorecard_minus_gbdt'):
                values = [r[key] for r in runs if r.get(key) is not None]
                if values:
                    summary[key] = {'mean': round(float(np.mean(values)), 5), 'min': round(float(np.min(values)), 5)}
            report['datasets'][name] = {'file': path, 'label': label, 'runs': runs, 'summary': summary}
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == '__main__':
    main()
