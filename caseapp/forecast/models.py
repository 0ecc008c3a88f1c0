"""A stored evaluation of the forecast: its backtest by horizon and the actual series of the last school
years, computed nightly (caseapp.forecast.evaluate) or with `caseapp forecast evaluate`, read by the
forecast page, the API and the committee reports so that they print the same ranges."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db


class ForecastEvaluation(db.Model):
    __tablename__ = "forecast_evaluation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)  # the day whose data were evaluated
    model_version: Mapped[str] = mapped_column(String(40))
    computed_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    seconds: Mapped[float | None] = mapped_column(db.Float, default=None)
    result: Mapped[dict] = mapped_column(JSON)  # see caseapp/forecast/evaluation.py
