"""What crosses the boundary for loan products: money in yuan strings, rates in basis points."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from app.applications.models import PRODUCT_TYPE_LABELS, ProductType
from app.core.config import get_settings
from app.core.money import Yuan, yuan_to_fen
from app.enterprises import industry
from app.enterprises.models import EntityType
from lenders.institutions.models import Lender
from lenders.products.models import PRODUCT_STATUS_LABELS, LoanProduct, ProductStatus

MIN_TERM_MONTHS, MAX_TERM_MONTHS = 1, 120
# 1.00%–24.00% a year. Bank SME loans are priced near the LPR (about 3–4%) up to about 15%;
# a figure under 100 is almost always a percentage typed as basis points (3.5 for 350).
MIN_RATE_BP, MAX_RATE_BP = 100, 2400
MAX_OPERATING_MONTHS = 600  # 50 years
GRADES = ("A", "B", "C", "D", "E")
NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 2000


def _grades(values: list[str]) -> list[str]:
    wanted = {v.strip().upper() for v in values}
    unknown = sorted(wanted - set(GRADES))
    if unknown:
        raise ValueError(f"unknown grade(s) {unknown}; grades are A–E")
    return sorted(wanted)


def _sections(values: list[str]) -> list[str]:
    wanted = {v.strip().upper() for v in values}
    unknown = sorted(wanted - set(industry.SECTIONS))
    if unknown:
        raise ValueError(f"unknown industry section(s) {unknown}; GB/T 4754 sections are A–T")
    return sorted(wanted)


def _districts(values: list[str]) -> list[str]:
    wanted = {v.strip() for v in values}
    city = get_settings().city.districts
    unknown = sorted(wanted - city)
    if unknown:
        raise ValueError(
            f"district(s) {unknown} are not among the city's 6-digit division codes "
            f"({', '.join(sorted(city))})"
        )
    return sorted(wanted)


def _entity_types(values: list[EntityType]) -> list[EntityType]:
    return sorted(set(values))


Term = Annotated[int, Field(ge=MIN_TERM_MONTHS, le=MAX_TERM_MONTHS, description="months, 1–120")]
Rate = Annotated[
    int, Field(ge=MIN_RATE_BP, le=MAX_RATE_BP, description="annual, basis points: 350 = 3.50%")
]
Grades = Annotated[list[str], Field(max_length=10), AfterValidator(_grades)]
Sections = Annotated[list[str], Field(max_length=40), AfterValidator(_sections)]
Districts = Annotated[list[str], Field(max_length=100), AfterValidator(_districts)]
EntityTypes = Annotated[list[EntityType], Field(max_length=6), AfterValidator(_entity_types)]
OperatingMonths = Annotated[int, Field(ge=0, le=MAX_OPERATING_MONTHS)]
Name = Annotated[str, Field(min_length=2, max_length=NAME_MAX_LENGTH)]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH)]


class ProductCreate(BaseModel):
    """A loan product (金融产品). Empty rule lists mean no restriction by that rule."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    product_type: ProductType = Field(
        description="pure_credit 纯信用 / credit 信用 / guaranteed 保证 / collateral 抵押"
    )
    name: Name = Field(description="产品名称")
    description: Description = Field(default="", description="产品介绍")
    min_amount_yuan: Yuan = Field(description='最低额度 in yuan, e.g. "100000.00"')
    max_amount_yuan: Yuan = Field(description='最高额度 in yuan, e.g. "3000000.00"')
    min_term_months: Term
    max_term_months: Term
    min_rate_bp: Rate
    max_rate_bp: Rate
    grades: Grades = Field(default_factory=list, description="credit grades A–E")
    industry_sections: Sections = Field(default_factory=list, description="GB/T 4754 门类")
    districts: Districts = Field(default_factory=list, description="the city's district codes")
    entity_types: EntityTypes = Field(default_factory=list)
    min_operating_months: OperatingMonths = Field(default=0, description="最短经营月数")
    green: bool = Field(default=False, description="绿色: only for green financing needs")
    tech: bool = Field(default=False, description="科技: only for technology enterprises")
    fund_eligible: bool = Field(default=False, description="风险缓释基金 may cover its loans")


class ProductUpdate(BaseModel):
    """The fields to change; a field left out keeps its value. Ranges are checked whole."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    product_type: ProductType | None = None
    name: Name | None = None
    description: Description | None = None
    min_amount_yuan: Yuan | None = None
    max_amount_yuan: Yuan | None = None
    min_term_months: Term | None = None
    max_term_months: Term | None = None
    min_rate_bp: Rate | None = None
    max_rate_bp: Rate | None = None
    grades: Grades | None = None
    industry_sections: Sections | None = None
    districts: Districts | None = None
    entity_types: EntityTypes | None = None
    min_operating_months: OperatingMonths | None = None
    green: bool | None = None
    tech: bool | None = None
    fund_eligible: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        # Every field has a value; "no restriction" is an empty list, not null.
        if isinstance(data, dict):
            nulls = sorted(key for key, value in data.items() if value is None)
            if nulls:
                raise ValueError(f"{', '.join(nulls)} cannot be null; leave a field out to keep it")
        return data


class RetireRequest(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    reason: str | None = Field(default=None, max_length=500, description="why, for the record")


def column_values(data: ProductCreate | ProductUpdate) -> dict[str, Any]:
    """The given fields as the table's columns: yuan amounts become ``min/max_amount_fen``."""
    values = data.model_dump(exclude_unset=isinstance(data, ProductUpdate))
    for end in ("min", "max"):
        if f"{end}_amount_yuan" in values:
            values[f"{end}_amount_fen"] = yuan_to_fen(values.pop(f"{end}_amount_yuan"))
    if "entity_types" in values:
        values["entity_types"] = [EntityType(v).value for v in values["entity_types"]]
    return values


class ProductPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lender_code: str = ""
    lender_name: str = ""
    product_type: ProductType
    product_type_label: str = ""
    name: str
    description: str
    min_amount_fen: int
    max_amount_fen: int
    min_term_months: int
    max_term_months: int
    min_rate_bp: int
    max_rate_bp: int
    grades: list[str]
    industry_sections: list[str]
    districts: list[str]
    entity_types: list[EntityType]
    min_operating_months: int
    green: bool
    tech: bool
    fund_eligible: bool
    status: ProductStatus
    status_label: str = ""
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None

    @classmethod
    def of(cls, product: LoanProduct, lender: Lender) -> Self:
        """The public view with the lender and the Chinese labels filled in."""
        return cls.model_validate(product).model_copy(
            update={
                "lender_code": lender.code,
                "lender_name": lender.name,
                "product_type_label": PRODUCT_TYPE_LABELS[product.product_type],
                "status_label": PRODUCT_STATUS_LABELS[product.status],
            }
        )


class ProductsPublic(BaseModel):
    data: list[ProductPublic]
    count: int


class OwnProductFilters(BaseModel):
    """A lender's own list; admin may narrow to one lender."""

    status: ProductStatus | None = None
    lender_code: str | None = Field(default=None, max_length=32, description="admin only")


class ProductFilters(BaseModel):
    """The supermarket's filters; each one left out does not narrow."""

    product_type: ProductType | None = None
    amount_yuan: Annotated[Yuan | None, Field(description="a product whose range holds it")] = None
    term_months: Term | None = None
    grade: Annotated[str | None, Field(pattern=r"^[A-E]$")] = None
    industry_section: Annotated[str | None, Field(pattern=r"^[A-T]$")] = None
    district: Annotated[str | None, Field(pattern=r"^[0-9]{6}$")] = None
    entity_type: EntityType | None = None
    green: bool | None = Field(default=None, description="绿色 products only, or none of them")
    tech: bool | None = Field(default=None, description="科技 products only, or none of them")
    fund_eligible: bool | None = None
    lender_code: str | None = Field(default=None, max_length=32)
