// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {Asset} from "./lib/Asset.sol";
import {Roles} from "./base/Roles.sol";
import {ReentrancyGuard} from "./base/ReentrancyGuard.sol";

/// @title RentalEscrow
/// @notice Holds each rental's deposit until the gateway settles it on metered usage or, if it
/// never does, until the renter takes it back. One deployment holds one asset (`token`,
/// `address(0)` = ETH); a stablecoin gets its own deployment of the same code.
///
/// A rental is keyed by (renter, id): the caller of open() is the renter, so someone who sees an
/// open in flight and sends the same id first only opens a rental of their own, and the renter's
/// open goes through. Every event names the renter with the id.
///
/// Where a deposit can go, whoever calls:
///  - settle (operator, once per rental, `used <= deposit`): `used - fee` credited to the host the
///    renter named at open, `fee = used * feeBps / 10_000` credited to the immutable treasury
///    (feeBps copied into the rental at open), `deposit - used` kept in the rental as the renter's
///    refund;
///  - reclaim (the renter alone, from `expiresAt + grace` while unsettled): all of it to the renter.
/// Value leaves only through withdraw() (the caller's own credit, to the caller), refund() (a
/// settled rental's refund, to its renter) and reclaim() (to the renter). Settling sends nothing.
contract RentalEscrow is Roles, ReentrancyGuard {
    enum Status {
        None,
        Open,
        Settled,
        Reclaimed
    }

    /// @dev Two storage slots per rental; the renter is its key.
    struct Rental {
        // slot 0: 40 + 16 + 8 bits
        uint40 expiresAt;
        uint16 feeBps;
        Status status;
        // slot 1: 160 + 96 bits
        address host;
        /// What the escrow still holds of this rental: the deposit while Open, the renter's unpaid
        /// refund once Settled, 0 once refunded or reclaimed. Keeping the refund here rather than in
        /// a per-renter credit saves settle a fresh 22k storage slot for every new renter.
        uint96 amount;
    }

    uint16 public constant MAX_FEE_BPS = 1_000; // 10 %
    uint256 public constant MAX_GRACE = 30 days;
    uint256 private constant BPS = 10_000;

    /// @notice The escrowed asset: `address(0)` for ETH, else an ERC-20 without transfer fees or rebasing.
    address public immutable token;
    /// @notice Receives the fees; fixed for the contract's life.
    address public immutable treasury;
    /// @notice Fee in basis points of the used amount, copied into every rental at open.
    uint16 public immutable feeBps;
    /// @notice Seconds after a rental's `expiresAt` from which its renter may reclaim it if unsettled.
    uint256 public immutable grace;

    mapping(address renter => mapping(bytes32 rentalId => Rental)) private _rentals;
    /// @dev Hosts' and the treasury's withdrawable balance + 1 once ever credited (0 = never).
    ///      Keeping the slot non-zero after a withdrawal makes the next credit a 5k, not a 22k, SSTORE.
    mapping(address account => uint256) private _credits;

    event Opened(
        bytes32 indexed rentalId,
        address indexed renter,
        address indexed host,
        address token,
        uint256 amount,
        uint40 expiresAt,
        uint16 feeBps
    );
    event ToppedUp(bytes32 indexed rentalId, address indexed renter, uint256 amount, uint256 deposit, uint40 expiresAt);
    event Settled(
        bytes32 indexed rentalId,
        address indexed renter,
        address indexed host,
        uint256 hostAmount,
        uint256 fee,
        uint256 refund
    );
    /// @notice settleBatch met a rental that is not open (already settled, reclaimed, or unknown) and left it alone.
    event SettleSkipped(bytes32 indexed rentalId, address indexed renter, Status status);
    event Reclaimed(bytes32 indexed rentalId, address indexed renter, uint256 amount);
    event Refunded(bytes32 indexed rentalId, address indexed renter, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    error FeeTooHigh(uint256 feeBps, uint256 max);
    error GraceTooLong(uint256 grace, uint256 max);
    error NotAToken(address token);
    error ZeroAmount();
    error InvalidHost(address host);
    error ExpiryNotInFuture(uint256 expiresAt, uint256 nowTs);
    error ExpiryNotExtended(uint256 expiresAt, uint256 proposed);
    error AmountTooLarge(uint256 amount);
    error RentalExists(address renter, bytes32 rentalId);
    error NotOpen(bytes32 rentalId, Status status);
    error NotSettled(bytes32 rentalId, Status status);
    error UsedExceedsDeposit(bytes32 rentalId, uint256 used, uint256 deposit);
    error ReclaimTooEarly(bytes32 rentalId, uint256 reclaimableAt);
    error LengthMismatch(uint256 renters, uint256 ids, uint256 amounts);
    error NothingToWithdraw();
    error NothingToRefund(bytes32 rentalId);

    /// @param token_ `address(0)` for ETH, else a plain ERC-20 contract
    /// @param owner_ may only replace the operator and hand ownership on
    /// @param operator_ the gateway's settlement key
    /// @param treasury_ fee recipient (immutable)
    /// @param feeBps_ fee on the used amount, at most MAX_FEE_BPS
    /// @param grace_ seconds after expiry before a renter may reclaim, at most MAX_GRACE
    constructor(address token_, address owner_, address operator_, address treasury_, uint16 feeBps_, uint256 grace_)
        Roles(owner_, operator_)
    {
        if (treasury_ == address(0)) revert ZeroAddress();
        if (feeBps_ > MAX_FEE_BPS) revert FeeTooHigh(feeBps_, MAX_FEE_BPS);
        if (grace_ > MAX_GRACE) revert GraceTooLong(grace_, MAX_GRACE);
        if (token_ != address(0) && token_.code.length == 0) revert NotAToken(token_);
        token = token_;
        treasury = treasury_;
        feeBps = feeBps_;
        grace = grace_;
    }

    // --- renter ----------------------------------------------------------------------------------

    /// @notice Opens the caller's rental `rentalId` paying `amount` for `host` until `expiresAt`; the
    /// caller is the renter (another account's rental with the same id is another rental).
    /// ETH: send exactly `amount` as value. ERC-20: approve `amount` first, send no value.
    function open(bytes32 rentalId, address host, uint40 expiresAt, uint256 amount) external payable nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint96).max) revert AmountTooLarge(amount);
        if (host == address(0) || host == address(this)) revert InvalidHost(host);
        if (expiresAt <= block.timestamp) revert ExpiryNotInFuture(expiresAt, block.timestamp);
        if (_rentals[msg.sender][rentalId].status != Status.None) revert RentalExists(msg.sender, rentalId);

        uint16 fee = feeBps;
        _rentals[msg.sender][rentalId] = Rental({
            expiresAt: expiresAt,
            feeBps: fee,
            status: Status.Open,
            host: host,
            // forge-lint: disable-next-line(unsafe-typecast) -- amount <= type(uint96).max, checked above
            amount: uint96(amount)
        });
        emit Opened(rentalId, msg.sender, host, token, amount, expiresAt, fee);

        Asset.pullIn(token, msg.sender, amount);
    }

    /// @notice Adds `amount` to the caller's open rental and, if `newExpiresAt` is not 0, moves its
    /// expiry to `newExpiresAt` (never earlier). `amount` may be 0 for a pure extension.
    function topUp(bytes32 rentalId, uint256 amount, uint40 newExpiresAt) external payable nonReentrant {
        Rental storage r = _rentals[msg.sender][rentalId];
        if (r.status != Status.Open) revert NotOpen(rentalId, r.status);
        if (amount == 0 && newExpiresAt == 0) revert ZeroAmount();

        uint40 expiresAt = r.expiresAt;
        if (newExpiresAt != 0) {
            if (newExpiresAt < expiresAt) revert ExpiryNotExtended(expiresAt, newExpiresAt);
            expiresAt = newExpiresAt;
            r.expiresAt = newExpiresAt;
        }
        uint256 deposit = uint256(r.amount) + amount;
        if (deposit > type(uint96).max) revert AmountTooLarge(deposit);
        // forge-lint: disable-next-line(unsafe-typecast) -- checked just above
        r.amount = uint96(deposit);
        emit ToppedUp(rentalId, msg.sender, amount, deposit, expiresAt);

        Asset.pullIn(token, msg.sender, amount);
    }

    /// @notice The renter takes the whole deposit of their rental back, paid at once, from
    /// `expiresAt + grace` on if it was never settled: the gateway cannot hold it hostage.
    function reclaim(bytes32 rentalId) external nonReentrant {
        Rental storage r = _rentals[msg.sender][rentalId];
        if (r.status != Status.Open) revert NotOpen(rentalId, r.status);
        uint256 at = uint256(r.expiresAt) + grace;
        if (block.timestamp < at) revert ReclaimTooEarly(rentalId, at);

        uint256 deposit = r.amount;
        r.status = Status.Reclaimed;
        r.amount = 0;
        emit Reclaimed(rentalId, msg.sender, deposit);

        Asset.pushOut(token, msg.sender, deposit);
    }

    // --- anyone --------------------------------------------------------------------------------

    /// @notice Pays `renter`'s settled rental's refund (`deposit - used`) to the renter. Anyone may
    /// call it, the gateway included: the money can only go to the renter.
    function refund(address renter, bytes32 rentalId) external nonReentrant {
        Rental storage r = _rentals[renter][rentalId];
        if (r.status != Status.Settled) revert NotSettled(rentalId, r.status);
        uint256 amount = r.amount;
        if (amount == 0) revert NothingToRefund(rentalId);
        r.amount = 0;
        emit Refunded(rentalId, renter, amount);

        Asset.pushOut(token, renter, amount);
    }

    /// @notice Sends the caller everything credited to them (a host's earnings, the treasury's fees).
    function withdraw() external nonReentrant {
        uint256 stored = _credits[msg.sender];
        if (stored <= 1) revert NothingToWithdraw();
        _credits[msg.sender] = 1;
        uint256 amount = stored - 1;
        emit Withdrawn(msg.sender, amount);

        Asset.pushOut(token, msg.sender, amount);
    }

    // --- operator (the gateway) ----------------------------------------------------------------

    /// @notice Settles `renter`'s open rental on `used` (≤ deposit): host `used - fee`, treasury
    /// `fee`, renter `deposit - used` (kept for refund()). Reverts with NotOpen if it was already
    /// settled or reclaimed.
    function settle(address renter, bytes32 rentalId, uint256 used) external onlyOperator nonReentrant {
        Rental storage r = _rentals[renter][rentalId];
        Status status = r.status;
        if (status != Status.Open) revert NotOpen(rentalId, status);
        uint256 fee = _settle(r, renter, rentalId, used);
        if (fee != 0) _credit(treasury, fee);
    }

    /// @notice Settles many rentals in one transaction. A rental that is no longer open is skipped
    /// (SettleSkipped) so a renter's reclaim cannot block the others; `used > deposit` still
    /// reverts the whole batch. Fees are credited to the treasury once.
    function settleBatch(address[] calldata renters, bytes32[] calldata rentalIds, uint256[] calldata used)
        external
        onlyOperator
        nonReentrant
    {
        if (renters.length != rentalIds.length || rentalIds.length != used.length) {
            revert LengthMismatch(renters.length, rentalIds.length, used.length);
        }
        uint256 fees;
        for (uint256 i; i < rentalIds.length; ++i) {
            Rental storage r = _rentals[renters[i]][rentalIds[i]];
            Status status = r.status;
            if (status != Status.Open) {
                emit SettleSkipped(rentalIds[i], renters[i], status);
                continue;
            }
            fees += _settle(r, renters[i], rentalIds[i], used[i]);
        }
        if (fees != 0) _credit(treasury, fees);
    }

    // --- views ---------------------------------------------------------------------------------

    function getRental(address renter, bytes32 rentalId)
        external
        view
        returns (address host, uint256 amount, uint40 expiresAt, uint16 rentalFeeBps, Status status)
    {
        Rental storage r = _rentals[renter][rentalId];
        return (r.host, r.amount, r.expiresAt, r.feeBps, r.status);
    }

    /// @notice What `account` (a host, the treasury) can withdraw now.
    function creditOf(address account) external view returns (uint256) {
        uint256 stored = _credits[account];
        return stored == 0 ? 0 : stored - 1;
    }

    /// @notice When `renter` may reclaim their open rental `rentalId` (0 if unknown).
    function reclaimableAt(address renter, bytes32 rentalId) external view returns (uint256) {
        Rental storage r = _rentals[renter][rentalId];
        return r.status == Status.None ? 0 : uint256(r.expiresAt) + grace;
    }

    // --- internals -----------------------------------------------------------------------------

    /// @dev Marks an open rental settled, credits the host, keeps the refund in the rental;
    ///      returns the fee for the caller to credit.
    function _settle(Rental storage r, address renter, bytes32 rentalId, uint256 used) private returns (uint256 fee) {
        uint256 deposit = r.amount;
        if (used > deposit) revert UsedExceedsDeposit(rentalId, used, deposit);
        fee = used * r.feeBps / BPS;
        uint256 hostAmount = used - fee;
        uint256 renterAmount = deposit - used;
        address host = r.host;

        r.status = Status.Settled;
        // forge-lint: disable-next-line(unsafe-typecast) -- renterAmount <= deposit, a uint96
        r.amount = uint96(renterAmount);
        if (hostAmount != 0) _credit(host, hostAmount);
        emit Settled(rentalId, renter, host, hostAmount, fee, renterAmount);
    }

    function _credit(address account, uint256 amount) private {
        uint256 stored = _credits[account];
        _credits[account] = (stored == 0 ? 1 : stored) + amount;
    }
}
