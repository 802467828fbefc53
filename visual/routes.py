"""Placeholder: being written (replaced in this session)."""

from fastapi import APIRouter

router = APIRouter()
