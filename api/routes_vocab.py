"""Placeholder: being written (replaced in this session)."""

from fastapi import APIRouter

router = APIRouter()


@router.get("/api/health", tags=["meta"])
def health() -> dict:
    return {"status": "ok"}
