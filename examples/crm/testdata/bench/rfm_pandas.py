"""RFM with pandas on a crm csv export, for comparison with `crm batch`.

    python3 rfm_pandas.py orders.csv 2025-12-31 rfm.csv

Reads the file from disk (customer_id, date, order_id, amount), leaves out
rows after the as-of date, and per customer computes recency (days since
the last row), frequency (distinct orders) and monetary value (net
amount), their quintile scores 1-5 and an RFM cell; writes one row per
customer. No models: a plain pandas groupby RFM, the baseline of compare.sh.
"""
import sys

import pandas as pd


def main(path, as_of, out):
    df = pd.read_csv(path, usecols=["customer_id", "date", "order_id", "amount"],
                     dtype={"customer_id": "string", "order_id": "string", "amount": "float64"})
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    as_of = pd.Timestamp(as_of)
    df = df[df["date"] <= as_of]
    g = df.groupby("customer_id", sort=True)
    rfm = pd.DataFrame({
        "recency": (as_of - g["date"].max()).dt.days,
        "frequency": g["order_id"].nunique(),
        "monetary": g["amount"].sum(),
    })
    rfm["r"] = pd.qcut(rfm["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1]).astype(int)
    rfm["f"] = pd.qcut(rfm["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    rfm["m"] = pd.qcut(rfm["monetary"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    rfm["cell"] = rfm["r"].astype(str) + rfm["f"].astype(str) + rfm["m"].astype(str)
    rfm.to_csv(out)


if __name__ == "__main__":
    main(*sys.argv[1:4])
