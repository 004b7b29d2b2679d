"""pandas.read_sql through the DB-API connection."""

import warnings

import pandas as pd


def test_read_sql(conn):
    with warnings.catch_warnings():
        # pandas warns that it has tested only SQLAlchemy and sqlite3 connections; the DB-API path is what we test.
        warnings.simplefilter("ignore", UserWarning)
        frame = pd.read_sql("SELECT customer_id, city, credit_limit FROM customer WHERE customer_id <= ? ORDER BY customer_id",
                            conn, params=(5,))
    assert list(frame.columns) == ["customer_id", "city", "credit_limit"]
    assert len(frame) == 5
    assert frame["customer_id"].tolist() == [1, 2, 3, 4, 5]
